using Bert.Model;

namespace Bert;

public sealed partial class BertModel
{
    /// <summary>
    /// Runs a packed batch of variable-length sequences (no padding): every output equals what each sequence gives alone.
    /// See <see cref="BertPackedInput"/> for the output layout (token rows packed, sequence rows per sequence).
    /// </summary>
    /// <param name="input">The packed batch.</param>
    /// <param name="outputs">Destinations; leave a span empty to skip that output.</param>
    /// <exception cref="ArgumentException">A length, boundary or id is out of range, or an output has the wrong length.</exception>
    /// <exception cref="InvalidOperationException">An output needs weights this checkpoint lacks, or Forward was called from
    /// inside an <see cref="Observer"/> callback of this model.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public void Forward(in BertPackedInput input, in BertOutputs outputs)
    {
        lock (_gate)
        {
            EnterForward();
            try
            {
                PackedForward.Run(_network, input, outputs, Observer);
            }
            finally
            {
                _inForward = false;
            }
        }
    }
}
