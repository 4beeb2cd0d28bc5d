from alpine:3.19 as builder
run apk add --no-cache build-base
copy . /src
run make -C /src

from alpine:3.19
copy --from=builder /src/out /usr/local/bin/
cmd ["tool"]
