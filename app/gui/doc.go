// Package gui owns the window's start-up and the services behind its
// screens: it implements the ports ui declares (card, sign-in, wallet,
// welcome) over the card monitor and the account service, chooses real
// readers or the demo's, and opens the window. Business rules stay in
// auth/, account/ and wallet/; screens stay in ui/.
package gui
