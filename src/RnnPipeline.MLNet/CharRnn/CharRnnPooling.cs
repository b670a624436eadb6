namespace RnnPipeline.MLNet.CharRnn;

/// <summary>How the hidden states h_1..h_T of a row are turned into one fixed-size feature vector.</summary>
public enum CharRnnPooling
{
    /// <summary>The final state h_T (length H): a summary weighted towards the end of the row.</summary>
    Last,
    /// <summary>The mean of h_1..h_T (length H): what the row is like on average.</summary>
    Mean,
    /// <summary>The element-wise maximum of h_1..h_T (length H): whether a pattern occurs anywhere in the row.</summary>
    Max,
    /// <summary>Last, mean and max one after the other (length 3H).</summary>
    Concatenated,
}
