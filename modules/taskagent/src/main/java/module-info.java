/** The task agent: runs a job's steps, streams their output, masks secrets. */
module dev.runway.taskagent {
    requires transitive dev.runway.client;
    requires org.slf4j;
    requires org.apache.commons.compress;
    // aircompressor ships without a module descriptor: modules/distribution/build-image.sh adds one for the image
    requires aircompressor;

    exports dev.runway.taskagent;
}
