/**
 * The task agent's start-up, behind {@code runway task-agent}: how it is started and where it gets its task token
 * (standard input, the contract {@link dev.runway.protocol.TaskAgentInvocation}), its logging and warm-up; it then
 * runs the task with {@link dev.runway.taskagent.TaskAgent}.
 */
package dev.runway.cli.taskagent;
