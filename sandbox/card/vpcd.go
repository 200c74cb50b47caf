package vcard

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// DefaultVPCDAddr is where vsmartcard's vpcd listens for reader 0.
const DefaultVPCDAddr = "127.0.0.1:35963"

// vpcd control messages (1-byte payloads).
const (
	vpcdPowerOff = 0x00
	vpcdPowerOn  = 0x01
	vpcdReset    = 0x02
	vpcdATR      = 0x04
)

// ServeVPCD connects the card to vpcd and answers its requests until ctx
// ends. While the card is removed the connection is closed (that is how vpcd
// learns the card left); on insertion it reconnects. Dial failures are retried
// (pcscd may still be starting).
func ServeVPCD(ctx context.Context, addr string, c *Card) error {
	var d net.Dialer
	for {
		if ctx.Err() != nil {
			return nil
		}
		if !c.Present() {
			select {
			case <-ctx.Done():
				return nil
			case <-c.Changed():
			}
			continue
		}
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(100 * time.Millisecond):
			}
			continue
		}
		err = serveConn(ctx, conn.(*net.TCPConn), c)
		conn.Close()
		if err != nil && !errors.Is(err, io.EOF) && ctx.Err() == nil && c.Present() {
			// vpcd went away (pcscd restarted): reconnect after a pause
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
}

// quickAck disables delayed ACKs: vpcd writes length and payload separately,
// which otherwise costs ~40 ms per APDU.
func quickAck(conn *net.TCPConn) {
	raw, err := conn.SyscallConn()
	if err != nil {
		return
	}
	_ = raw.Control(func(fd uintptr) {
		_ = setQuickAck(int(fd))
	})
}

func serveConn(ctx context.Context, conn *net.TCPConn, c *Card) error {
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-ctx.Done():
		case <-c.Changed(): // removed (or swapped): drop the connection
		case <-stop:
			return
		}
		conn.Close()
	}()
	hdr := make([]byte, 2)
	for {
		quickAck(conn)
		if _, err := io.ReadFull(conn, hdr); err != nil {
			return err
		}
		n := int(binary.BigEndian.Uint16(hdr))
		msg := make([]byte, n)
		if _, err := io.ReadFull(conn, msg); err != nil {
			return err
		}
		var reply []byte
		if n == 1 {
			switch msg[0] {
			case vpcdPowerOff, vpcdPowerOn, vpcdReset:
				c.Reset()
				continue
			case vpcdATR:
				reply = c.ATR()
			default:
				return fmt.Errorf("vpcd: unknown control byte %02X", msg[0])
			}
		} else {
			r, err := c.Process(msg)
			clear(msg)      // it may have carried a PIN
			if err != nil { // pulled out: close without answering
				return err
			}
			reply = r
		}
		out := make([]byte, 2+len(reply))
		binary.BigEndian.PutUint16(out, uint16(len(reply)))
		copy(out[2:], reply)
		if _, err := conn.Write(out); err != nil {
			return err
		}
	}
}
