// Package svc is a library package of a module that requires nothing yet.
package svc

//go:generate svcgen generate
