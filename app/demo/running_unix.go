//go:build !nosandbox && !windows

package demo

import (
	"errors"
	"syscall"
)

// running reports whether a process with pid is alive.
func running(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
