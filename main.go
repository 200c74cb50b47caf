// Command madoguchi is the Madoguchi desktop app and its command line: with
// no arguments it opens the GUI; subcommands form the CLI. All wiring lives in
// package app.
package main

import (
	"os"

	"madoguchi/app"
)

func main() {
	os.Exit(app.Run(os.Args[1:]))
}
