/** The task agent: runs a job's steps, streams their output, masks secrets. */
module dev.runway.taskagent {
    requires transitive dev.runway.client;
    requires org.slf4j;

    exports dev.runway.taskagent;
}
