/** launch-agent-config.yaml and environment overrides into immutable, validated configuration records. */
module dev.runway.config {
    requires transitive dev.runway.protocol;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires org.yaml.snakeyaml;

    exports dev.runway.config;
}
