// Package app is the composition root: it hands the command line to
// app/cli and gives it the window (app/gui) to open when no command is
// named. The parts it connects:
//
//	app/cli   the command tree (cobra): card, cert, login, whoami, logout,
//	          procedure, applications, proxy, doctor, sandbox, version,
//	          completion; exit codes; failures explained in the person's
//	          language, or as JSON
//	app/gui   window start-up and the services behind the screens (ports
//	          declared by ui/)
//	app/demo  the demo's fictional cards and in-process sandbox municipality
//	          (absent with -tags nosandbox)
//
// Business rules live in auth/, account/ (with wallet/), procedures/ and
// store/; this package and its children only connect them.
package app

import (
	"madoguchi/app/cli"
	"madoguchi/app/gui"
)

// Run runs Madoguchi with the process's arguments and streams and returns
// the exit code.
func Run(args []string) int { return cli.Run(args, Deps()) }

// RunWith runs with explicit streams (tests).
func RunWith(args []string, env *cli.Env) int { return cli.RunWith(args, env, Deps()) }

// Deps are what the command line is given: the window.
func Deps() cli.Deps { return cli.Deps{GUI: gui.Run} }
