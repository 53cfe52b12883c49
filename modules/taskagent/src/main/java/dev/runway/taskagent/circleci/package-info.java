/**
 * The {@code circleci} command a job finds in its PATH: {@code circleci tests glob|split|run}, with CircleCI's glob
 * patterns and test splitting by name, file size or the timings of the job's earlier run.
 */
package dev.runway.taskagent.circleci;
