namespace IdempotentConsumer.Keys;

internal sealed class WholePayloadKeySource : IdempotencyKeySource
{
    public override bool TryGetKeyMaterial(in IdempotencyPayload payload, out string material)
    {
        if (payload.Value is string s && payload.RawJson is null)
        {
            material = s;
            return s.Length > 0;
        }

        if (payload.Value is null && payload.RawJson is null)
        {
            material = string.Empty;
            return false;
        }

        return CanonicalJson.TryCanonicalize(payload.GetJson(), out material);
    }
}
