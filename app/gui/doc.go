// Package gui owns the window's start-up and the services behind its
// screens: it implements the ports ui declares (card, sign-in, wallet,
// welcome, life events, family and proxies) over the card monitor, the
// account service and the procedures engine, watches filed applications'
// status for notifications, chooses real readers or the demo's, and opens
// the window. Business rules stay in auth/, account/, wallet/ and
// procedures/; screens stay in ui/.
package gui
