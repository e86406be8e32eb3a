namespace Bert;

/// <summary>
/// Receives named intermediate tensors during a forward pass, so a mismatch can be traced to the first layer where it appears.
/// </summary>
/// <remarks>
/// Names, in call order: <c>embeddings</c>; for each layer i: <c>layer{i}.attention.context</c> (attention heads side by side,
/// before the output dense), <c>layer{i}.attention_output</c> (after BertSelfOutput's residual LayerNorm),
/// <c>layer{i}.intermediate</c> (after the activation), <c>layer{i}.output</c> (the layer's output); then
/// <c>pooler_output</c> when the pooler runs. The span is the workspace itself: read or copy it during the call, never keep it.
/// When no observer is set, observing costs nothing.
/// </remarks>
/// <param name="name">Name of the intermediate, e.g. <c>layer3.output</c>.</param>
/// <param name="values">Row-major values [rows, cols].</param>
/// <param name="rows">Rows: batch·sequence tokens (batch for <c>pooler_output</c>).</param>
/// <param name="cols">Columns: hidden or intermediate size.</param>
public delegate void BertObserver(string name, ReadOnlySpan<float> values, int rows, int cols);
