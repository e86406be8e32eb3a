using System.Runtime.CompilerServices;

// The generator's internals (DeterministicRandom) are tested directly.
[assembly: InternalsVisibleTo("Bert.Tests")]
