package dev.runway.it.dashboard;

import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** Saves what the browser showed when a test failed: target/dashboard-screenshots/TestClass.method.png. */
final class ScreenshotOnFailure implements TestWatcher {
    private final Supplier<Browser> browser;

    ScreenshotOnFailure(Supplier<Browser> browser) {
        this.browser = browser;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Browser current = browser.get();
        if (current == null) {
            return;
        }
        Path file = Path.of("target", "dashboard-screenshots", context.getRequiredTestClass().getSimpleName() + "."
                + context.getRequiredTestMethod().getName() + ".png");
        try {
            current.screenshot(file);
            System.err.println("screenshot of the failed test: " + file.toAbsolutePath()
                    + "\npage: " + current.driver.getCurrentUrl());
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }
}
