package io.linegate.clients.manageaudience;

import io.linegate.clients.manageaudience.model.CreateAudienceGroupResponse;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.RequestBody;
import retrofit2.Call;
import retrofit2.http.Multipart;
import retrofit2.http.POST;
import retrofit2.http.PUT;
import retrofit2.http.Part;

/**
 * The Manage Audience API's operations on the content API's base (manage-audience.yml's {@code
 * manage-audience-blob} tag), written as the generator would write them except for the text parts,
 * which are {@link RequestBody}s ({@link #text}): as {@code String}s they would go through the client's
 * JSON converter and arrive quoted.
 */
public interface ManageAudienceBlobApi {
    /**
     * Adds the user IDs (or IFAs) of {@code file}, one a line, to an audience (Messaging API reference,
     * "Add user IDs or IFAs to an audience for uploading user IDs (by file)").
     */
    @Multipart
    @PUT("v2/bot/audienceGroup/upload/byFile")
    Call<Void> addUserIdsToAudience(@Part MultipartBody.Part file, @Part("audienceGroupId") RequestBody audienceGroupId,
                                    @Part("uploadDescription") RequestBody uploadDescription);

    /**
     * Creates an audience from the user IDs (or IFAs) of {@code file}, one a line (Messaging API
     * reference, "Create audience for uploading user IDs (by file)"); null parts are left out.
     */
    @Multipart
    @POST("v2/bot/audienceGroup/upload/byFile")
    Call<CreateAudienceGroupResponse> createAudienceForUploadingUserIds(@Part MultipartBody.Part file,
            @Part("description") RequestBody description, @Part("isIfaAudience") RequestBody isIfaAudience,
            @Part("uploadDescription") RequestBody uploadDescription);

    /** A text part; null (left out) for null. */
    static RequestBody text(Object value) {
        return value == null ? null : RequestBody.create(String.valueOf(value), MediaType.get("text/plain; charset=utf-8"));
    }

    /** The {@code file} part: user IDs or IFAs, one a line. */
    static MultipartBody.Part file(String name, byte[] lines) {
        return MultipartBody.Part.createFormData("file", name, RequestBody.create(lines, MediaType.get("text/plain")));
    }
}
