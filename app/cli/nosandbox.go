//go:build nosandbox

package cli

import "github.com/spf13/cobra"

// A resident's build has no `sandbox` command (ADR 0010).
func (r *runner) sandboxCommand() *cobra.Command { return nil }
