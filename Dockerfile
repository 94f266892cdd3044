# syntax=docker/dockerfile:1
# Build: the whole reactor with Maven on JDK 17 (the project's baseline), tests skipped (CI runs them).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY .mvn .mvn
COPY frontend frontend
COPY backend backend
COPY labs labs
RUN mvn -B -q -DskipTests -Dspring-javaformat.validate.skip=true package

# Run: JDK 25 runtime with libpcap (Pcap4J) and clang (compiling uploaded C programs).
FROM eclipse-temurin:25-jre
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libpcap0.8 clang llvm libbpf-dev \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --home /app --shell /usr/sbin/nologin bpfnet
WORKDIR /app
COPY --from=build /src/backend/server/target/bpfnet-server.jar /app/bpfnet-server.jar
COPY --from=build /src/backend/cli/target/bpfnet-cli.jar /app/bpfnet-cli.jar
COPY --from=build /src/labs /app/labs
RUN mkdir -p /app/data && chown bpfnet /app/data
USER bpfnet
VOLUME ["/app/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["java", "-version"]
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/bpfnet-server.jar"]
