//! A small global allocator for the single-threaded wasm build, in place of std's dlmalloc (which
//! costs about 7 KB of wasm; this one well under 1 KB).
//!
//! Every block is a power of two of at least 8 bytes and sits at an address that is a multiple of
//! its size, so a block serves any request whose size and alignment fit in it. Freed blocks go on
//! one free list per size and are reused first: a long-lived page's memory stays bounded by its
//! peak use per size class. Blocks are not split or merged; that costs up to 2x for a request just
//! above a power of two, which is fine for an SDK whose allocations are small strings, `Rc`s and
//! futures.

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use core::cell::UnsafeCell;
use core::ptr::null_mut;

const PAGE: usize = 65_536;
/// 2^3 = 8 bytes, the smallest block (it must hold the free list's next pointer).
const MIN_CLASS: u32 = 3;

struct State {
    /// `free[k]`: the first free block of 2^k bytes; each free block stores the next one's address.
    free: [usize; 32],
    /// Untouched memory from `next` to `end`.
    next: usize,
    end: usize,
}

pub struct Allocator(UnsafeCell<State>);

// The wasm build has no threads (`atomics` is not enabled), so there is no concurrent access.
#[cfg(target_feature = "atomics")]
compile_error!("src/alloc.rs assumes a single-threaded wasm module");
unsafe impl Sync for Allocator {}

#[global_allocator]
static ALLOCATOR: Allocator = Allocator(UnsafeCell::new(State {
    free: [0; 32],
    next: 0,
    end: 0,
}));

/// The size class of a layout: the log2 of the smallest block that fits its size and alignment.
fn class(layout: Layout) -> u32 {
    let n = layout.size().max(layout.align());
    // next_power_of_two's exponent, at least MIN_CLASS; `n <= isize::MAX` so this cannot overflow.
    (usize::BITS - n.saturating_sub(1).leading_zeros()).max(MIN_CLASS)
}

impl State {
    unsafe fn push(&mut self, k: u32, block: usize) {
        if let Some(head) = self.free.get_mut(k as usize) {
            *(block as *mut usize) = *head;
            *head = block;
        }
    }

    /// Puts `[from, to)` (8-byte aligned ends) on the free lists as aligned power-of-two blocks.
    unsafe fn give_back(&mut self, mut from: usize, to: usize) {
        while from < to {
            let j = from.trailing_zeros().min((to - from).ilog2());
            self.push(j, from);
            from += 1 << j;
        }
    }

    unsafe fn alloc(&mut self, k: u32) -> Option<usize> {
        let head = self.free.get_mut(k as usize)?;
        if *head != 0 {
            let block = *head;
            *head = *(block as *const usize);
            return Some(block);
        }
        let size = 1usize << k;
        let start = self.next.checked_add(size - 1)? & !(size - 1);
        match start.checked_add(size) {
            Some(end) if end <= self.end => {
                // The gap skipped for alignment is kept for later requests.
                self.give_back(self.next, start);
                self.next = end;
                Some(start)
            }
            _ => {
                // Fresh pages. If they do not continue the current area, the rest of it is kept on
                // the free lists; if `size` still does not fit, the next round grows again.
                let pages = size.div_ceil(PAGE) + 1;
                let old = wasm32::memory_grow::<0>(pages);
                if old == usize::MAX {
                    return None;
                }
                let base = old * PAGE;
                if self.end != base {
                    self.give_back(self.next, self.end);
                    self.next = base;
                }
                self.end = base + pages * PAGE;
                self.alloc(k)
            }
        }
    }
}

unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        (*self.0.get())
            .alloc(class(layout))
            .map_or(null_mut(), |p| p as *mut u8)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        (*self.0.get()).push(class(layout), ptr as usize);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = Layout::from_size_align_unchecked(new_size, layout.align());
        if class(new) == class(layout) {
            return ptr;
        }
        let p = self.alloc(new);
        if !p.is_null() {
            core::ptr::copy_nonoverlapping(ptr, p, layout.size().min(new_size));
            self.dealloc(ptr, layout);
        }
        p
    }
}
