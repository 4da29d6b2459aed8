package io.linegate.messaging;

import com.linecorp.bot.client.base.Result;
import com.linecorp.bot.messaging.model.BotInfoResponse;
import com.linecorp.bot.messaging.model.BroadcastRequest;
import com.linecorp.bot.messaging.model.CouponCreateRequest;
import com.linecorp.bot.messaging.model.CouponCreateResponse;
import com.linecorp.bot.messaging.model.CouponResponse;
import com.linecorp.bot.messaging.model.CreateRichMenuAliasRequest;
import com.linecorp.bot.messaging.model.GetAggregationUnitNameListResponse;
import com.linecorp.bot.messaging.model.GetAggregationUnitUsageResponse;
import com.linecorp.bot.messaging.model.GetFollowersResponse;
import com.linecorp.bot.messaging.model.GetJoinedMembershipUsersResponse;
import com.linecorp.bot.messaging.model.GetMembershipSubscriptionResponse;
import com.linecorp.bot.messaging.model.GetWebhookEndpointResponse;
import com.linecorp.bot.messaging.model.GroupMemberCountResponse;
import com.linecorp.bot.messaging.model.GroupSummaryResponse;
import com.linecorp.bot.messaging.model.GroupUserProfileResponse;
import com.linecorp.bot.messaging.model.IssueLinkTokenResponse;
import com.linecorp.bot.messaging.model.MarkMessagesAsReadByTokenRequest;
import com.linecorp.bot.messaging.model.MarkMessagesAsReadRequest;
import com.linecorp.bot.messaging.model.MembersIdsResponse;
import com.linecorp.bot.messaging.model.MembershipListResponse;
import com.linecorp.bot.messaging.model.MessageQuotaResponse;
import com.linecorp.bot.messaging.model.MessagingApiPagerCouponListResponse;
import com.linecorp.bot.messaging.model.MulticastRequest;
import com.linecorp.bot.messaging.model.NarrowcastProgressResponse;
import com.linecorp.bot.messaging.model.NarrowcastRequest;
import com.linecorp.bot.messaging.model.NumberOfMessagesResponse;
import com.linecorp.bot.messaging.model.PnpMessagesRequest;
import com.linecorp.bot.messaging.model.PushMessageRequest;
import com.linecorp.bot.messaging.model.PushMessageResponse;
import com.linecorp.bot.messaging.model.QuotaConsumptionResponse;
import com.linecorp.bot.messaging.model.ReplyMessageRequest;
import com.linecorp.bot.messaging.model.ReplyMessageResponse;
import com.linecorp.bot.messaging.model.RichMenuAliasListResponse;
import com.linecorp.bot.messaging.model.RichMenuAliasResponse;
import com.linecorp.bot.messaging.model.RichMenuBatchProgressResponse;
import com.linecorp.bot.messaging.model.RichMenuBatchRequest;
import com.linecorp.bot.messaging.model.RichMenuBulkLinkRequest;
import com.linecorp.bot.messaging.model.RichMenuBulkUnlinkRequest;
import com.linecorp.bot.messaging.model.RichMenuIdResponse;
import com.linecorp.bot.messaging.model.RichMenuListResponse;
import com.linecorp.bot.messaging.model.RichMenuRequest;
import com.linecorp.bot.messaging.model.RichMenuResponse;
import com.linecorp.bot.messaging.model.RoomMemberCountResponse;
import com.linecorp.bot.messaging.model.RoomUserProfileResponse;
import com.linecorp.bot.messaging.model.SetWebhookEndpointRequest;
import com.linecorp.bot.messaging.model.ShowLoadingAnimationRequest;
import com.linecorp.bot.messaging.model.TestWebhookEndpointRequest;
import com.linecorp.bot.messaging.model.TestWebhookEndpointResponse;
import com.linecorp.bot.messaging.model.UpdateRichMenuAliasRequest;
import com.linecorp.bot.messaging.model.UserProfileResponse;
import com.linecorp.bot.messaging.model.ValidateMessageRequest;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import com.linecorp.bot.messaging.client.MessagingApiClient;

/**
 * A {@link MessagingApiClient} that passes every call to {@link #delegate()}, for adapters that change a few
 * calls and keep the rest: a subclass overrides what it changes, and the compiler checks every
 * signature against the SDK (no reflection). Written out from the SDK's interface; when the SDK adds
 * a method, this class stops compiling until it is added here.
 */
public abstract class ForwardingMessagingApiClient implements MessagingApiClient {
    /** The client that answers the calls this class does not change. */
    protected abstract MessagingApiClient delegate();

    /** What every passed call's future goes through; the call's own future by default. */
    protected <T> CompletableFuture<Result<T>> forward(CompletableFuture<Result<T>> call) {
        return call;
    }

    @Override
    public CompletableFuture<Result<Object>> broadcast(UUID xLineRetryKey, BroadcastRequest broadcastRequest) {
        return forward(delegate().broadcast(xLineRetryKey, broadcastRequest));
    }

    @Override
    public CompletableFuture<Result<Void>> cancelDefaultRichMenu() {
        return forward(delegate().cancelDefaultRichMenu());
    }

    @Override
    public CompletableFuture<Result<Void>> closeCoupon(String couponId) {
        return forward(delegate().closeCoupon(couponId));
    }

    @Override
    public CompletableFuture<Result<CouponCreateResponse>> createCoupon(CouponCreateRequest couponCreateRequest) {
        return forward(delegate().createCoupon(couponCreateRequest));
    }

    @Override
    public CompletableFuture<Result<RichMenuIdResponse>> createRichMenu(RichMenuRequest richMenuRequest) {
        return forward(delegate().createRichMenu(richMenuRequest));
    }

    @Override
    public CompletableFuture<Result<Void>> createRichMenuAlias(CreateRichMenuAliasRequest createRichMenuAliasRequest) {
        return forward(delegate().createRichMenuAlias(createRichMenuAliasRequest));
    }

    @Override
    public CompletableFuture<Result<Void>> deleteRichMenu(String richMenuId) {
        return forward(delegate().deleteRichMenu(richMenuId));
    }

    @Override
    public CompletableFuture<Result<Void>> deleteRichMenuAlias(String richMenuAliasId) {
        return forward(delegate().deleteRichMenuAlias(richMenuAliasId));
    }

    @Override
    public CompletableFuture<Result<GetAggregationUnitNameListResponse>> getAggregationUnitNameList(String limit, String start) {
        return forward(delegate().getAggregationUnitNameList(limit, start));
    }

    @Override
    public CompletableFuture<Result<GetAggregationUnitUsageResponse>> getAggregationUnitUsage() {
        return forward(delegate().getAggregationUnitUsage());
    }

    @Override
    public CompletableFuture<Result<BotInfoResponse>> getBotInfo() {
        return forward(delegate().getBotInfo());
    }

    @Override
    public CompletableFuture<Result<CouponResponse>> getCouponDetail(String couponId) {
        return forward(delegate().getCouponDetail(couponId));
    }

    @Override
    public CompletableFuture<Result<RichMenuIdResponse>> getDefaultRichMenuId() {
        return forward(delegate().getDefaultRichMenuId());
    }

    @Override
    public CompletableFuture<Result<GetFollowersResponse>> getFollowers(String start, Integer limit) {
        return forward(delegate().getFollowers(start, limit));
    }

    @Override
    public CompletableFuture<Result<GroupMemberCountResponse>> getGroupMemberCount(String groupId) {
        return forward(delegate().getGroupMemberCount(groupId));
    }

    @Override
    public CompletableFuture<Result<GroupUserProfileResponse>> getGroupMemberProfile(String groupId, String userId) {
        return forward(delegate().getGroupMemberProfile(groupId, userId));
    }

    @Override
    public CompletableFuture<Result<MembersIdsResponse>> getGroupMembersIds(String groupId, String start) {
        return forward(delegate().getGroupMembersIds(groupId, start));
    }

    @Override
    public CompletableFuture<Result<GroupSummaryResponse>> getGroupSummary(String groupId) {
        return forward(delegate().getGroupSummary(groupId));
    }

    @Override
    public CompletableFuture<Result<GetJoinedMembershipUsersResponse>> getJoinedMembershipUsers(Integer membershipId, String start, Integer limit) {
        return forward(delegate().getJoinedMembershipUsers(membershipId, start, limit));
    }

    @Override
    public CompletableFuture<Result<MembershipListResponse>> getMembershipList() {
        return forward(delegate().getMembershipList());
    }

    @Override
    public CompletableFuture<Result<GetMembershipSubscriptionResponse>> getMembershipSubscription(String userId) {
        return forward(delegate().getMembershipSubscription(userId));
    }

    @Override
    public CompletableFuture<Result<MessageQuotaResponse>> getMessageQuota() {
        return forward(delegate().getMessageQuota());
    }

    @Override
    public CompletableFuture<Result<QuotaConsumptionResponse>> getMessageQuotaConsumption() {
        return forward(delegate().getMessageQuotaConsumption());
    }

    @Override
    public CompletableFuture<Result<NarrowcastProgressResponse>> getNarrowcastProgress(String requestId) {
        return forward(delegate().getNarrowcastProgress(requestId));
    }

    @Override
    public CompletableFuture<Result<NumberOfMessagesResponse>> getNumberOfSentBroadcastMessages(String date) {
        return forward(delegate().getNumberOfSentBroadcastMessages(date));
    }

    @Override
    public CompletableFuture<Result<NumberOfMessagesResponse>> getNumberOfSentMulticastMessages(String date) {
        return forward(delegate().getNumberOfSentMulticastMessages(date));
    }

    @Override
    public CompletableFuture<Result<NumberOfMessagesResponse>> getNumberOfSentPushMessages(String date) {
        return forward(delegate().getNumberOfSentPushMessages(date));
    }

    @Override
    public CompletableFuture<Result<NumberOfMessagesResponse>> getNumberOfSentReplyMessages(String date) {
        return forward(delegate().getNumberOfSentReplyMessages(date));
    }

    @Override
    public CompletableFuture<Result<NumberOfMessagesResponse>> getPNPMessageStatistics(String date) {
        return forward(delegate().getPNPMessageStatistics(date));
    }

    @Override
    public CompletableFuture<Result<UserProfileResponse>> getProfile(String userId) {
        return forward(delegate().getProfile(userId));
    }

    @Override
    public CompletableFuture<Result<RichMenuResponse>> getRichMenu(String richMenuId) {
        return forward(delegate().getRichMenu(richMenuId));
    }

    @Override
    public CompletableFuture<Result<RichMenuAliasResponse>> getRichMenuAlias(String richMenuAliasId) {
        return forward(delegate().getRichMenuAlias(richMenuAliasId));
    }

    @Override
    public CompletableFuture<Result<RichMenuAliasListResponse>> getRichMenuAliasList() {
        return forward(delegate().getRichMenuAliasList());
    }

    @Override
    public CompletableFuture<Result<RichMenuBatchProgressResponse>> getRichMenuBatchProgress(String requestId) {
        return forward(delegate().getRichMenuBatchProgress(requestId));
    }

    @Override
    public CompletableFuture<Result<RichMenuIdResponse>> getRichMenuIdOfUser(String userId) {
        return forward(delegate().getRichMenuIdOfUser(userId));
    }

    @Override
    public CompletableFuture<Result<RichMenuListResponse>> getRichMenuList() {
        return forward(delegate().getRichMenuList());
    }

    @Override
    public CompletableFuture<Result<RoomMemberCountResponse>> getRoomMemberCount(String roomId) {
        return forward(delegate().getRoomMemberCount(roomId));
    }

    @Override
    public CompletableFuture<Result<RoomUserProfileResponse>> getRoomMemberProfile(String roomId, String userId) {
        return forward(delegate().getRoomMemberProfile(roomId, userId));
    }

    @Override
    public CompletableFuture<Result<MembersIdsResponse>> getRoomMembersIds(String roomId, String start) {
        return forward(delegate().getRoomMembersIds(roomId, start));
    }

    @Override
    public CompletableFuture<Result<GetWebhookEndpointResponse>> getWebhookEndpoint() {
        return forward(delegate().getWebhookEndpoint());
    }

    @Override
    public CompletableFuture<Result<IssueLinkTokenResponse>> issueLinkToken(String userId) {
        return forward(delegate().issueLinkToken(userId));
    }

    @Override
    public CompletableFuture<Result<Void>> leaveGroup(String groupId) {
        return forward(delegate().leaveGroup(groupId));
    }

    @Override
    public CompletableFuture<Result<Void>> leaveRoom(String roomId) {
        return forward(delegate().leaveRoom(roomId));
    }

    @Override
    public CompletableFuture<Result<Void>> linkRichMenuIdToUser(String userId, String richMenuId) {
        return forward(delegate().linkRichMenuIdToUser(userId, richMenuId));
    }

    @Override
    public CompletableFuture<Result<Void>> linkRichMenuIdToUsers(RichMenuBulkLinkRequest richMenuBulkLinkRequest) {
        return forward(delegate().linkRichMenuIdToUsers(richMenuBulkLinkRequest));
    }

    @Override
    public CompletableFuture<Result<MessagingApiPagerCouponListResponse>> listCoupon(Set<String> status, String start, Integer limit) {
        return forward(delegate().listCoupon(status, start, limit));
    }

    @Override
    public CompletableFuture<Result<Void>> markMessagesAsRead(MarkMessagesAsReadRequest markMessagesAsReadRequest) {
        return forward(delegate().markMessagesAsRead(markMessagesAsReadRequest));
    }

    @Override
    public CompletableFuture<Result<Void>> markMessagesAsReadByToken(MarkMessagesAsReadByTokenRequest markMessagesAsReadByTokenRequest) {
        return forward(delegate().markMessagesAsReadByToken(markMessagesAsReadByTokenRequest));
    }

    @Override
    public CompletableFuture<Result<Object>> multicast(UUID xLineRetryKey, MulticastRequest multicastRequest) {
        return forward(delegate().multicast(xLineRetryKey, multicastRequest));
    }

    @Override
    public CompletableFuture<Result<Object>> narrowcast(UUID xLineRetryKey, NarrowcastRequest narrowcastRequest) {
        return forward(delegate().narrowcast(xLineRetryKey, narrowcastRequest));
    }

    @Override
    public CompletableFuture<Result<PushMessageResponse>> pushMessage(UUID xLineRetryKey, PushMessageRequest pushMessageRequest) {
        return forward(delegate().pushMessage(xLineRetryKey, pushMessageRequest));
    }

    @Override
    public CompletableFuture<Result<Void>> pushMessagesByPhone(String xLineDeliveryTag, PnpMessagesRequest pnpMessagesRequest) {
        return forward(delegate().pushMessagesByPhone(xLineDeliveryTag, pnpMessagesRequest));
    }

    @Override
    public CompletableFuture<Result<ReplyMessageResponse>> replyMessage(ReplyMessageRequest replyMessageRequest) {
        return forward(delegate().replyMessage(replyMessageRequest));
    }

    @Override
    public CompletableFuture<Result<Void>> richMenuBatch(RichMenuBatchRequest richMenuBatchRequest) {
        return forward(delegate().richMenuBatch(richMenuBatchRequest));
    }

    @Override
    public CompletableFuture<Result<Void>> setDefaultRichMenu(String richMenuId) {
        return forward(delegate().setDefaultRichMenu(richMenuId));
    }

    @Override
    public CompletableFuture<Result<Void>> setWebhookEndpoint(SetWebhookEndpointRequest setWebhookEndpointRequest) {
        return forward(delegate().setWebhookEndpoint(setWebhookEndpointRequest));
    }

    @Override
    public CompletableFuture<Result<Object>> showLoadingAnimation(ShowLoadingAnimationRequest showLoadingAnimationRequest) {
        return forward(delegate().showLoadingAnimation(showLoadingAnimationRequest));
    }

    @Override
    public CompletableFuture<Result<TestWebhookEndpointResponse>> testWebhookEndpoint(TestWebhookEndpointRequest testWebhookEndpointRequest) {
        return forward(delegate().testWebhookEndpoint(testWebhookEndpointRequest));
    }

    @Override
    public CompletableFuture<Result<Void>> unlinkRichMenuIdFromUser(String userId) {
        return forward(delegate().unlinkRichMenuIdFromUser(userId));
    }

    @Override
    public CompletableFuture<Result<Void>> unlinkRichMenuIdFromUsers(RichMenuBulkUnlinkRequest richMenuBulkUnlinkRequest) {
        return forward(delegate().unlinkRichMenuIdFromUsers(richMenuBulkUnlinkRequest));
    }

    @Override
    public CompletableFuture<Result<Void>> updateRichMenuAlias(String richMenuAliasId, UpdateRichMenuAliasRequest updateRichMenuAliasRequest) {
        return forward(delegate().updateRichMenuAlias(richMenuAliasId, updateRichMenuAliasRequest));
    }

    @Override
    public CompletableFuture<Result<Void>> validateBroadcast(ValidateMessageRequest validateMessageRequest) {
        return forward(delegate().validateBroadcast(validateMessageRequest));
    }

    @Override
    public CompletableFuture<Result<Void>> validateMulticast(ValidateMessageRequest validateMessageRequest) {
        return forward(delegate().validateMulticast(validateMessageRequest));
    }

    @Override
    public CompletableFuture<Result<Void>> validateNarrowcast(ValidateMessageRequest validateMessageRequest) {
        return forward(delegate().validateNarrowcast(validateMessageRequest));
    }

    @Override
    public CompletableFuture<Result<Void>> validatePush(ValidateMessageRequest validateMessageRequest) {
        return forward(delegate().validatePush(validateMessageRequest));
    }

    @Override
    public CompletableFuture<Result<Void>> validateReply(ValidateMessageRequest validateMessageRequest) {
        return forward(delegate().validateReply(validateMessageRequest));
    }

    @Override
    public CompletableFuture<Result<Void>> validateRichMenuBatchRequest(RichMenuBatchRequest richMenuBatchRequest) {
        return forward(delegate().validateRichMenuBatchRequest(richMenuBatchRequest));
    }

    @Override
    public CompletableFuture<Result<Void>> validateRichMenuObject(RichMenuRequest richMenuRequest) {
        return forward(delegate().validateRichMenuObject(richMenuRequest));
    }
}
