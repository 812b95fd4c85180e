// Command mailer sends the shop's mail. It has no main of its own: the
// generated main.go provides it.
package main

//go:generate svcgen generate
