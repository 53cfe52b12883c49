// The module descriptor jlink needs for aircompressor (zstd for cache and workspace archives), which ships without
// one (an automatic module, which jlink refuses). The distribution build compiles it against the jar and adds it
// (modules/distribution/build-image.sh). Its Hadoop adapters name Hadoop, which is not in the image and never loaded.
module aircompressor {
    requires jdk.unsupported;

    exports io.airlift.compress;
    exports io.airlift.compress.bzip2;
    exports io.airlift.compress.deflate;
    exports io.airlift.compress.gzip;
    exports io.airlift.compress.hadoop;
    exports io.airlift.compress.lz4;
    exports io.airlift.compress.lzo;
    exports io.airlift.compress.snappy;
    exports io.airlift.compress.zstd;
}
