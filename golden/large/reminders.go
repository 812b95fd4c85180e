package main

import "context"

// RunReminders is the reminders worker. It starts once the service is ready and runs
// until ctx is cancelled (stop step 4); then it has its close timeout to
// return nil. Returning an error earlier stops the service (exit code 7);
// returning nil earlier just ends the worker.
func RunReminders(ctx context.Context, notify *Notify) error {
	<-ctx.Done()
	return nil
}
