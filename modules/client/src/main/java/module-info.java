/** Runner API client over java.net.http (step output over kept-alive blocking connections): authentication, timeouts,
 * retries with backoff and full jitter. */
module dev.runway.client {
    requires transitive dev.runway.protocol;
    requires transitive java.net.http;
    requires org.slf4j;

    exports dev.runway.client;
}
