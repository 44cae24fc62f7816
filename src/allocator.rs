//! The global allocator of the wasm build: lol_alloc's free-list allocator, chosen by measurement
//! (`bench/memory.mjs` and `make size`; the table is in the commit that chose it). Free blocks are
//! kept in address order and merged with free neighbours, so the memory a 1 MiB response leaves
//! serves later requests of any size. Our former size-class allocator never merged blocks (11.7 MiB
//! held after ~1 MB responses of varying sizes, against 6.2 here); std's dlmalloc holds least but
//! costs 2.6 KB gzip more, talc 0.5 KB more. The price is a walk of the free list per allocation,
//! which stays short for the SDK's few live objects.

// The wasm build has no threads (`atomics` is not enabled), so there is no concurrent access.
#[cfg(target_feature = "atomics")]
compile_error!("src/allocator.rs assumes a single-threaded wasm module");

#[global_allocator]
// SAFETY: single-threaded (see above).
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
