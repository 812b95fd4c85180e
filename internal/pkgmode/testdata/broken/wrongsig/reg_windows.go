package main

// lonely is only compiled on Windows; it has nothing to do with the spec.
var lonely = 1
