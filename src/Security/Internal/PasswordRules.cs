namespace SentinelSync.Security.Internal;

/// <summary>What a password must be.</summary>
internal static class PasswordRules
{
    public const int MinimumLength = 12;
    public const int MaximumLength = 1024;

    public static string? Check(string password) => password.Length switch
    {
        < MinimumLength => $"the password must have at least {MinimumLength} characters",
        > MaximumLength => $"the password must have at most {MaximumLength} characters",
        _ => null,
    };
}
