using Bert.Model;

namespace Bert;

public sealed partial class BertModel
{
    /// <summary>
    /// Runs a packed batch of variable-length sequences (no padding): every output equals what each sequence gives alone.
    /// See <see cref="BertPackedInput"/> for the output layout (token rows packed, sequence rows per sequence).
    /// </summary>
    /// <remarks>
    /// The dense layers (QKV, projections, FFN, LayerNorm) run once over the T real tokens; attention runs per sequence
    /// (cu_seqlens); position ids restart at 0 in each sequence; the pooler reads each sequence's first row. The work is
    /// that of the real tokens only, so a batch of mixed lengths costs what its tokens cost, not B × the longest.
    /// Allocation-free once the workspace has grown to the largest batch kept (see <see cref="RetainedWorkspaceBytes"/>).
    /// </remarks>
    /// <param name="input">The packed batch.</param>
    /// <param name="outputs">Destinations; leave a span empty to skip that output.</param>
    /// <exception cref="ArgumentException">
    /// A boundary, length or id is out of range (the parameter name is the field: CumulativeSequenceLengths, Ids, TypeIds),
    /// or an output has the wrong length (the parameter name is the output's).
    /// </exception>
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
                _network.Forward(input, outputs, Observer);
            }
            finally
            {
                _inForward = false;
            }
        }
    }
}
