package svcrt
