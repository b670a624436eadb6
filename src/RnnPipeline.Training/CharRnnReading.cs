namespace RnnPipeline.Training;

/// <summary>What <see cref="CharRnnModel.Read"/> saw in one text: its hidden states pooled over time, and its code length.</summary>
/// <param name="Last">The final hidden state h_T [H].</param>
/// <param name="Mean">The mean of h_1..h_T [H].</param>
/// <param name="Max">The element-wise maximum of h_1..h_T [H].</param>
/// <param name="BitsPerChar">The model's cross-entropy on the text and its end, in bits per character (finite).</param>
public sealed record CharRnnReading(float[] Last, float[] Mean, float[] Max, float BitsPerChar);
