# syntax=docker/dockerfile:1.7@sha256:93b8edb0066d58b98bcf1f5e223a186f231ab09ae359ceb2e771fa381c5f9dc5
# escape=\
# check=skip=JSONArgsRecommended
FROM golang:1.22
CMD go version
