/** The task agent: runs a job's steps, streams their output, masks secrets; test reports and test splitting. */
module dev.runway.taskagent {
    requires transitive dev.runway.client;
    requires java.xml;
    requires org.slf4j;
    requires org.apache.commons.compress;
    // aircompressor ships without a module descriptor: modules/distribution/build-image.sh adds one for the image
    requires aircompressor;
    // native zstd (zstd-jni), aircompressor where its library cannot be loaded
    requires com.github.luben.zstd_jni;

    exports dev.runway.taskagent;
    exports dev.runway.taskagent.circleci;
}
