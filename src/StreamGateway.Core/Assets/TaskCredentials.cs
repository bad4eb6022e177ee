using System.Security.Cryptography;
using System.Text.Json;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Assets;

/// <summary>
/// Seals a task's credentials for the row that carries them (<see cref="AssetTask.SealedCredentials"/>): AES-256-GCM
/// under the <c>task-credentials</c> secret every node shares, with the task's id as associated data, so a sealed
/// value copied onto another task does not open. Layout: 12-byte nonce, 16-byte tag, ciphertext.
/// </summary>
public sealed class TaskCredentials(SharedSecrets secrets)
{
    private const string SecretName = "task-credentials";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    public async Task<byte[]> SealAsync<T>(Guid taskId, T value)
    {
        var key = await secrets.GetAsync(SecretName);
        var plain = JsonSerializer.SerializeToUtf8Bytes(value, GatewayJson.Options);
        var sealedValue = new byte[NonceBytes + TagBytes + plain.Length];
        RandomNumberGenerator.Fill(sealedValue.AsSpan(0, NonceBytes));
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(sealedValue.AsSpan(0, NonceBytes), plain, sealedValue.AsSpan(NonceBytes + TagBytes), sealedValue.AsSpan(NonceBytes, TagBytes), taskId.ToByteArray());
        CryptographicOperations.ZeroMemory(plain);
        return sealedValue;
    }

    /// <summary>The value, or null when it cannot be opened (another task's, or damaged).</summary>
    public async Task<T?> OpenAsync<T>(Guid taskId, byte[] sealedValue) where T : class
    {
        if (sealedValue.Length < NonceBytes + TagBytes)
        {
            return null;
        }
        var key = await secrets.GetAsync(SecretName);
        var plain = new byte[sealedValue.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(key, TagBytes);
        try
        {
            aes.Decrypt(sealedValue.AsSpan(0, NonceBytes), sealedValue.AsSpan(NonceBytes + TagBytes), sealedValue.AsSpan(NonceBytes, TagBytes), plain,
                taskId.ToByteArray());
            return JsonSerializer.Deserialize<T>(plain, GatewayJson.Options);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }
}
