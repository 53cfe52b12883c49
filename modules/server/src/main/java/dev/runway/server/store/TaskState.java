package dev.runway.server.store;

/** Where an attempt of a job stands. */
public enum TaskState { RUNNING, FINISHED, UNCLAIMED, LAPSED, FAILED }
