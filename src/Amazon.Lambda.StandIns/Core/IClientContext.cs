namespace Amazon.Lambda.Core;

/// <summary>Mobile SDK client context (minimal stand-in).</summary>
public interface IClientContext
{
    /// <summary>Environment values sent by the client.</summary>
    IDictionary<string, string> Environment { get; }

    /// <summary>The client application.</summary>
    IClientApplication Client { get; }

    /// <summary>Custom values sent by the client.</summary>
    IDictionary<string, string> Custom { get; }
}
