package dev.runway.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.protocol.RunnerApi.Checkout;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GitRefsTest {
    @ParameterizedTest
    @ValueSource(strings = {"--upload-pack=touch /tmp/x;git-upload-pack", "HEAD", "abc def", "", "0123456789abcdefg"})
    void aRevisionMustBeAHexObjectId(String revision) {
        assertThatThrownBy(() -> GitRefs.revision("checkout.revision", revision))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("checkout.revision: ")
                .hasMessageContaining("is not a commit id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "0123456789abcdef0123456789abcdef01234567", "ABCDEF12"})
    void hexObjectIdsPass(String revision) {
        assertThat(GitRefs.revision("r", revision)).isEqualTo(revision);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-x", "--upload-pack=cmd", "a..b", "a b", "a\nb", "x.lock", ".hidden", "a/", "/a",
        "@", "a@{1}", "a~1", "a^", "a:b", "a?", "a*", "a[", "a\\b", "a//b", "a."})
    void branchesFollowCheckRefFormat(String branch) {
        assertThatThrownBy(() -> GitRefs.branch("checkout.branch", branch))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("checkout.branch: ")
                .hasMessageNotContaining("\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"main", "feature/x", "release-1.2", "user/abc_def+1", "dependabot/npm/foo-1.0"})
    void ordinaryBranchesPass(String branch) {
        assertThat(GitRefs.branch("b", branch)).isEqualTo(branch);
    }

    @Test
    void aRepositoryMustNotLookLikeAnOption() {
        assertThatThrownBy(() -> GitRefs.repository("checkout.repository", "--upload-pack=x"))
                .hasMessageStartingWith("checkout.repository: ");
        assertThat(GitRefs.repository("r", "https://example.com/org/repo.git")).isNotNull();
        assertThat(GitRefs.repository("r", "/srv/repo.git")).isNotNull();
    }

    @Test
    void aSubmittedJobWithAnOptionForARevisionIsRefusedNamingTheField() {
        JobSubmission job = new JobSubmission("ns/rc", "build", List.of(TextNode.valueOf("checkout")), null, null,
                new Checkout("/srv/repo.git", "--upload-pack=touch /tmp/pwned;git-upload-pack", "main"), null);
        assertThatThrownBy(() -> JobDefinitionParser.parse(job))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("checkout.revision: ");
    }
}
