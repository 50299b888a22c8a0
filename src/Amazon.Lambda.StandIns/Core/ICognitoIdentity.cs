namespace Amazon.Lambda.Core;

/// <summary>Cognito identity of a Mobile SDK caller (minimal stand-in).</summary>
public interface ICognitoIdentity
{
    /// <summary>The Cognito identity id.</summary>
    string IdentityId { get; }

    /// <summary>The Cognito identity pool id.</summary>
    string IdentityPoolId { get; }
}
