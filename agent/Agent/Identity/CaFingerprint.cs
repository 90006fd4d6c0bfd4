using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SentinelSync.Agent.Identity;

/// <summary>The SHA-256 of a CA certificate's DER, as lowercase hex: what an enrollment token pins.</summary>
internal static class CaFingerprint
{
    public const string Expected = "64 hexadecimal digits (SHA-256 of the CA certificate's DER), colons allowed";

    public static string Of(X509Certificate2 certificate) => Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));

    /// <summary>Accepts upper or lower case, with or without colons or spaces between the bytes.</summary>
    public static bool TryNormalize(string text, out string fingerprint)
    {
        var hex = new string(text.Where(c => c is not (':' or ' ')).ToArray()).ToLowerInvariant();
        fingerprint = hex;
        return hex.Length == 64 && hex.All(char.IsAsciiHexDigit);
    }
}
