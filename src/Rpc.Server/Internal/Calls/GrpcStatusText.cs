using Grpc.Core;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>Status codes as header values, without formatting them per call.</summary>
internal static class GrpcStatusText
{
    private static readonly string[] Codes = Enumerable.Range(0, 17).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    public static string Get(StatusCode code)
    {
        var value = (int)code;
        return (uint)value < (uint)Codes.Length ? Codes[value] : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
