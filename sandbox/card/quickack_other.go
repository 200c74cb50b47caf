//go:build !linux

package vcard

func setQuickAck(int) error { return nil }
