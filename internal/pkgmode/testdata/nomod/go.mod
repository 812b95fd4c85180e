module example.com/nomod

go 1.26.0
