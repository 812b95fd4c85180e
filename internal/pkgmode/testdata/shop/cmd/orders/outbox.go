package main

import "context"

// RunOutbox would forward placed orders; it waits for the stop here.
func RunOutbox(ctx context.Context, store *Store) error {
	<-ctx.Done()
	return nil
}
