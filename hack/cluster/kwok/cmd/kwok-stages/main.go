// Command kwok-stages prints the Stage objects that kwok ships as its
// defaults (node initialise + lease heartbeat, pod ready/complete/delete) as
// one multi-document YAML file, ready for `kwok --config`.
//
// The stages are read from the kwok module itself rather than kept as a copy
// in this repository, so they always match the kwok version being built.
package main

import (
	"fmt"
	"os"
	"strings"

	nodefast "sigs.k8s.io/kwok/kustomize/stage/node/fast"
	nodelease "sigs.k8s.io/kwok/kustomize/stage/node/heartbeat-with-lease"
	podfast "sigs.k8s.io/kwok/kustomize/stage/pod/fast"
)

func main() {
	stages := []string{
		nodefast.DefaultNodeInit,
		nodelease.DefaultNodeHeartbeatWithLease,
		podfast.DefaultPodReady,
		podfast.DefaultPodComplete,
		podfast.DefaultPodDelete,
	}
	var b strings.Builder
	for _, s := range stages {
		b.WriteString("---\n")
		b.WriteString(strings.TrimSpace(s))
		b.WriteString("\n")
	}
	if _, err := os.Stdout.WriteString(b.String()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
