/**
 * The launch agent: claims tasks for its resource class (ClaimLoop), starts and supervises one task agent per task
 * through a Launcher (TaskSupervisor), enforces max_run_time, drains on SIGTERM, recovers after a crash, cleans
 * working directories and reports health and metrics.
 */
package dev.runway.agent;
