// Pictures of a recorded chain's frames: one item's x_t, predicted x_0 or predicted noise,
// the whole batch as a grid, and an integer nearest-neighbour enlargement for exports.
// Built from the 8-bit frames as stored (jobs/sampling_job.h), so drawing a frame is a copy
// of bytes, never a computation of the chain.
#pragma once

#include <QByteArray>
#include <QVector>

#include "ddpm/image.h"
#include "jobs/sampling_job.h"

namespace ddpm::ui {

/// The three pictures of a frame.
enum class ChainPart { Xt, X0, Eps };

/// The bytes of that part of frame (empty for x0 and eps of the final sample).
const QByteArray& chainPartBytes(const ChainFrame& frame, ChainPart part);

/// Item `item` of uint8 [N, C, H, W] bytes as a gray or RGB image; empty when bytes is empty
/// or too short for the item.
ddpm::Image chainItemImage(const ChainInfo& info, const QByteArray& bytes, int item);

/// Every item tiled in ceil(sqrt(N)) columns with a 1-pixel white gap; the item `selected`
/// (if in range) is framed in orange, which makes the grid RGB (else it has the items'
/// channels). Empty when bytes is empty.
ddpm::Image chainGridImage(const ChainInfo& info, const QByteArray& bytes, int selected = -1);

/// Fig. 6 of Ho et al. (2020), progressive generation: the predicted x_0 of the first
/// `samples` items (rows) at `columns` evenly spaced recorded steps (both ends of the steps
/// with a prediction kept), each tile enlarged to at least tileSide and labelled with its t.
/// Empty for points or when no frame has a prediction.
ddpm::Image progressiveFigure(const ChainInfo& info, const QVector<ChainFrame>& frames, int samples = 4,
                              int columns = 8, int tileSide = 64);

/// image enlarged by the smallest integer factor that makes its shorter side at least
/// minSide (nearest neighbour: every pixel a block), or unchanged when it already is.
ddpm::Image enlarged(const ddpm::Image& image, int minSide);

/// image on a white band that makes it at least minWidth wide (left-aligned), e.g. so a
/// caption under a narrow strip is not wrapped into a column.
ddpm::Image paddedToWidth(const ddpm::Image& image, int minWidth);

} // namespace ddpm::ui
