// Package cli owns Madoguchi's command line: the command tree (cobra) with
// --help at every level, shell completion, --json wherever a command has a
// result, documented exit codes, and failures explained with their stable
// code in the person's language. Without a command it opens the window it
// is given (Deps.GUI). PINs are read without echo from the terminal or from
// standard input, never from arguments or the environment.
package cli
