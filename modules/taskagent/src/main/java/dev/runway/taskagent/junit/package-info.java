/** JUnit XML reports (and the variants of surefire, pytest, jest-junit, go-junit-report) read into test records. */
package dev.runway.taskagent.junit;
