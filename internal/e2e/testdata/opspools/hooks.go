package main

import "github.com/prometheus/client_golang/prometheus"

// apiAnswers is the service's own collector, registered by RegisterMetrics.
var apiAnswers = prometheus.NewCounter(prometheus.CounterOpts{
	Name: "opspools_api_answers_total",
	Help: "Requests the API answered.",
})

// RegisterMetrics adds the service's collectors to /metrics.
func RegisterMetrics(reg prometheus.Registerer) error {
	return reg.Register(apiAnswers)
}
