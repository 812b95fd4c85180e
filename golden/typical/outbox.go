package main

import (
	"context"
	"database/sql"
)

// RunOutbox is the outbox worker. It starts once the service is ready and runs
// until ctx is cancelled (stop step 4); then it has its close timeout to
// return nil. Returning an error earlier stops the service (exit code 7);
// returning nil earlier just ends the worker.
func RunOutbox(ctx context.Context, db *sql.DB) error {
	<-ctx.Done()
	return nil
}
