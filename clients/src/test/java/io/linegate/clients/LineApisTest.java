package io.linegate.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.linegate.clients.channelaccesstoken.model.IssueStatelessChannelAccessTokenResponse;
import io.linegate.clients.insight.model.GetNumberOfFollowersResponse;
import io.linegate.clients.liff.model.AddLiffAppRequest;
import io.linegate.clients.liff.model.LiffView;
import io.linegate.clients.manageaudience.ManageAudienceBlobApi;
import io.linegate.clients.manageaudience.model.Audience;
import io.linegate.clients.manageaudience.model.CreateAudienceGroupRequest;
import io.linegate.clients.manageaudience.model.CreateAudienceGroupResponse;
import io.linegate.core.Secret;
import io.linegate.emulator.Emulator;
import io.linegate.emulator.LoginChannelInfo;
import io.linegate.messaging.LineApiException;
import io.linegate.messaging.MessageSender;
import io.linegate.store.ApiRequestLog.ApiCall;
import io.linegate.store.Store;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** linegate's generated clients of LINE's other APIs, against the emulator, through a sender's stack. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LineApisTest {
    static Emulator emulator;
    static Store store;
    static Path dir;
    static LineApis apis;

    @BeforeAll
    static void start() throws Exception {
        emulator = Emulator.builder().port(0).rateLimits(false).build().start();
        dir = Files.createTempDirectory("line-apis");
        store = Store.sqlite(dir);
        MessageSender sender = MessageSender.builder(URI.create(emulator.baseUrl()),
                        Secret.of(emulator.defaultChannel().accessToken(), "token"))
                .requestLog(store.apiRequests(), "redacted").build();
        apis = LineApis.of(sender);
    }

    @AfterAll
    static void stop() {
        store.close();
        emulator.close();
    }

    @Test
    void insightAnswersAreTypedAndTheCallIsInTheApiRequestLog() throws Exception {
        GetNumberOfFollowersResponse followers = LineApis.call(apis.insight().getNumberOfFollowers("20250101"));
        assertThat(followers.getStatus()).isNotNull();

        await().atMost(Duration.ofSeconds(5)).until(() -> logged("/v2/bot/insight/followers") != null);
        ApiCall call = logged("/v2/bot/insight/followers");
        assertThat(call.status()).isEqualTo(200);
        assertThat(call.method()).isEqualTo("GET");
    }

    @Test
    void anErrorAnswerIsTheLineApiExceptionOfItsStatusWithLinesMessage() {
        assertThatThrownBy(() -> LineApis.call(apis.insight().getNumberOfMessageDeliveries("")))
                .isInstanceOf(LineApiException.BadRequest.class)
                .hasMessageContaining("date");
    }

    @Test
    void audiencesAreCreatedFromJsonAndFromAnUploadedFileOnTheContentApi() throws Exception {
        CreateAudienceGroupResponse json = LineApis.call(apis.manageAudience().createAudienceGroup(
                new CreateAudienceGroupRequest().description("typed").audiences(List.of(
                        new Audience().id(user(1)), new Audience().id(user(2))))));
        assertThat(LineApis.call(apis.manageAudience().getAudienceData(json.getAudienceGroupId()))
                .getAudienceGroup().getDescription()).isEqualTo("typed");

        byte[] ids = (user(3) + "\n" + user(4) + "\n").getBytes(StandardCharsets.UTF_8);
        CreateAudienceGroupResponse uploaded = LineApis.call(apis.manageAudienceBlob().createAudienceForUploadingUserIds(
                ManageAudienceBlobApi.file("ids.txt", ids), ManageAudienceBlobApi.text("from a file"),
                ManageAudienceBlobApi.text(false), ManageAudienceBlobApi.text("first")));
        assertThat(LineApis.call(apis.manageAudience().getAudienceData(uploaded.getAudienceGroupId()))
                .getAudienceGroup().getDescription()).isEqualTo("from a file");
    }

    @Test
    void aLoginChannelsTokenManagesItsLiffAppsAndTheTokenApiIssuesOne() throws Exception {
        LoginChannelInfo login = emulator.defaultLoginChannel();
        IssueStatelessChannelAccessTokenResponse token = LineApis.call(apis.channelAccessToken()
                .issueStatelessChannelToken("client_credentials", null, null, login.channelId(), login.channelSecret()));
        assertThat(token.getAccessToken()).isNotEmpty();

        LineApis liff = LineApis.of(MessageSender.builder(URI.create(emulator.baseUrl()),
                Secret.of(token.getAccessToken(), "token")).build());
        String id = LineApis.call(liff.liff().addLIFFApp(new AddLiffAppRequest()
                .view(new LiffView().type(LiffView.TypeEnum.TALL).url(URI.create("https://shop.example/liff"))))).getLiffId();
        assertThat(LineApis.call(liff.liff().getAllLIFFApps()).getApps())
                .anySatisfy(app -> assertThat(app.getLiffId()).isEqualTo(id));
    }

    private static ApiCall logged(String endpoint) {
        return store.apiRequests().query(Instant.EPOCH, 0, 999, null, 50).stream()
                .filter(c -> c.endpoint().equals(endpoint)).findFirst().orElse(null);
    }

    static String user(int i) {
        return "U" + String.format("%032x", i);
    }
}
