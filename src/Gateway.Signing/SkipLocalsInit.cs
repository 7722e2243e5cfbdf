// The signers stackalloc their scratch buffers on every request and write every byte before reading it,
// so zeroing them first is wasted work.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
